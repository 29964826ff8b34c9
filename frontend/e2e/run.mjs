#!/usr/bin/env node
// End-to-end harness: a real Weft backend on a fresh SQLite database, the built SPA served by
// Django (whitenoise), and Debian's Chromium driven by playwright-core.
//
//   npm run e2e                  build, start, seed, run every e2e/tests/*.test.mjs, stop
//   E2E_SKIP_BUILD=1 npm run e2e reuse frontend/dist
//   npm run e2e -- flow          only test files whose name contains "flow"
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync, existsSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { seedMasterData } from "./seed.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const frontendDir = resolve(here, "..");
const repoDir = resolve(frontendDir, "..");
const apiDir = join(repoDir, "core_api");
const python = process.env.WEFT_PYTHON ?? join(repoDir, ".venv", "bin", "python");
const gunicorn = join(repoDir, ".venv", "bin", "gunicorn");
const artifacts = process.env.E2E_ARTIFACTS ?? join(repoDir, "test-artifacts");
const filter = process.argv[2] ?? "";

const started = Date.now();
const log = (msg) => process.stderr.write(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

const workDir = mkdtempSync(join(tmpdir(), "weft-e2e-"));
const env = {
  ...process.env,
  DJANGO_SETTINGS_MODULE: "config.settings.dev",
  WEFT_SQLITE_PATH: join(workDir, "weft.sqlite3"),
  WEFT_MEDIA_DIR: join(workDir, "media"),
  WEFT_ARTIFACT_DIR: join(workDir, "artifacts"),
  DJANGO_DEBUG: "false",
  PYTHONUNBUFFERED: "1",
  // The embedded (filesystem) broker lives in the temp dir, shared by the API and the worker.
  WEFT_BROKER_DIR: join(workDir, "broker"),
};
delete env.DATABASE_URL;
delete env.REDIS_URL;

function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(" ")}`);
  const result = spawnSync(cmd, args, { stdio: "inherit", env, ...opts });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${result.status}`);
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitHealthy(baseUrl, server, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    try {
      const res = await fetch(`${baseUrl}/api/health/`);
      if (res.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error("the server did not become healthy in time");
}

let server = null;
let worker = null;
function stopServer() {
  for (const proc of [server, worker]) {
    if (proc && proc.exitCode === null) {
      try {
        process.kill(-proc.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
  }
}
process.on("SIGINT", () => {
  stopServer();
  process.exit(130);
});

let exitCode = 1;
try {
  mkdirSync(artifacts, { recursive: true });
  if (!process.env.E2E_SKIP_BUILD || !existsSync(join(frontendDir, "dist", "index.html"))) {
    run("npm", ["run", "build"], { cwd: frontendDir });
  }
  run(python, ["manage.py", "migrate", "--noinput", "-v", "0"], { cwd: apiDir });
  run(python, ["manage.py", "ensure_demo_users"], { cwd: apiDir });
  run(python, ["manage.py", "collectstatic", "--noinput", "-v", "0"], { cwd: apiDir });

  const port = Number(process.env.E2E_PORT) || (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const serverLog = join(workDir, "server.log");
  const out = openSync(serverLog, "a");
  log(`starting gunicorn on ${baseUrl} (log: ${serverLog})`);
  server = spawn(gunicorn, ["config.wsgi", "-b", `127.0.0.1:${port}`, "--workers", "2", "--threads", "4", "--timeout", "120"], {
    cwd: apiDir,
    env,
    detached: true, // its own process group, so stopping it stops its workers too
    stdio: ["ignore", out, out],
  });
  await waitHealthy(baseUrl, server);

  // A real Celery worker on the embedded broker runs the jobs (planning runs) the SPA starts.
  const workerLog = join(workDir, "worker.log");
  log(`starting a Celery worker (log: ${workerLog})`);
  worker = spawn(
    join(repoDir, ".venv", "bin", "celery"),
    ["-A", "config", "worker", "-Q", "ml,default", "--concurrency", "1", "--without-gossip", "--without-mingle", "-n", `e2e-${process.pid}@%h`, "--loglevel", "INFO"],
    { cwd: apiDir, env, detached: true, stdio: ["ignore", openSync(workerLog, "a"), openSync(workerLog, "a")] },
  );

  // The SPA is served by Django at / with its assets under /static/.
  const index = await fetch(`${baseUrl}/procurement/purchase-orders`).then((r) => r.text());
  const asset = index.match(/\/static\/assets\/[^"]+\.js/);
  if (!asset) throw new Error("index.html does not reference /static/assets/*.js");
  const assetRes = await fetch(`${baseUrl}${asset[0]}`);
  if (assetRes.status !== 200) throw new Error(`${asset[0]} answered ${assetRes.status}`);
  log(`SPA served: ${asset[0]}`);

  log("seeding master data through the API");
  const seed = await seedMasterData(baseUrl, log);
  const seedFile = join(workDir, "seed.json");
  writeFileSync(seedFile, JSON.stringify(seed, null, 2));

  const testsDir = join(here, "tests");
  const files = readdirSync(testsDir)
    .filter((f) => f.endsWith(".test.mjs") && f.includes(filter))
    .sort();
  let failed = 0;
  for (const file of files) {
    log(`running ${file}`);
    const result = spawnSync(process.execPath, ["--test", "--test-reporter=spec", join(testsDir, file)], {
      stdio: "inherit",
      env: { ...env, E2E_BASE_URL: baseUrl, E2E_SEED: seedFile, E2E_ARTIFACTS: artifacts },
    });
    if (result.status !== 0) failed += 1;
  }
  log(`${files.length - failed}/${files.length} test files passed; screenshots in ${artifacts}`);
  exitCode = failed ? 1 : 0;
  if (failed && process.env.E2E_SHOW_SERVER_LOG !== "0") {
    spawnSync("tail", ["-n", "60", serverLog], { stdio: "inherit" });
    spawnSync("tail", ["-n", "30", join(workDir, "worker.log")], { stdio: "inherit" });
  }
} catch (error) {
  log(`harness failed: ${error.message}`);
  exitCode = 1;
} finally {
  stopServer();
  if (!process.env.E2E_KEEP) rmSync(workDir, { recursive: true, force: true });
  else log(`kept ${workDir}`);
}
process.exit(exitCode);
