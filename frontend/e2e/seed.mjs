// Master data for the e2e run, created through the API as the admin: a warehouse with stores,
// quarantine and finished-goods locations, a finished fabric, a supplier with a price, a customer.
const PASSWORD = process.env.WEFT_ADMIN_PASSWORD ?? "weft-admin";

export async function seedMasterData(baseUrl, log = () => {}) {
  const res = await fetch(`${baseUrl}/api/v1/auth/token/`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "admin", password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`admin login failed: ${res.status}`);
  const { access } = await res.json();
  const missing = [];
  const call = async (method, path, body) => {
    const r = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { Authorization: `Bearer ${access}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status === 404 && /^\/[a-z-]+\/[a-z-]+\/$/.test(path)) {
      missing.push(`${method} /api/v1${path}`);
      log(`route missing: ${method} /api/v1${path}`);
      return null;
    }
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

  const suffix = Date.now().toString(36).slice(-4).toUpperCase();
  const warehouse = await call("POST", "/inventory/warehouses/", { code: `WH${suffix}`, name: "Main mill" });
  const location = (code, name, kind) => call("POST", "/inventory/locations/", { warehouse: warehouse?.id, code: `${code}-${suffix}`, name, kind });
  const stores = await location("STORES", "Fabric stores", "stores");
  const quarantine = await location("QUAR", "Incoming quarantine", "quarantine");
  const finished = await location("FG", "Finished goods", "finished_goods");
  const fabric = await call("POST", "/inventory/materials/", {
    code: `FAB-SJ180-NAVY-${suffix}`,
    name: "Single jersey 180 navy",
    kind: "finished",
    article: "SJ-180",
    gsm: "180",
    width_cm: "150",
    shade_code: "NAVY-01",
    standard_cost: "3.20",
  });
  const supplier = await call("POST", "/procurement/suppliers/", { code: `SUP-${suffix}`, name: "Acme Knits", payment_terms: "30 days" });
  const today = new Date().toISOString().slice(0, 10);
  const price = await call("POST", "/procurement/price-lists/", {
    supplier: supplier?.id,
    material: fabric?.id,
    price: "3.50",
    currency: "EUR",
    min_order_qty: "50",
    lead_time_days: 14,
    valid_from: today,
  });
  const customer = await call("POST", "/sales/customers/", { code: `CUS-${suffix}`, name: "Blue Garments", points_threshold: "40", shade_tolerance: "1.00" });

  // Production: a yarn in stock (opening balance, released) and the greige knitted from it.
  const yarn = await call("POST", "/inventory/materials/", { code: `YRN-30-${suffix}`, name: "Cotton yarn Ne 30/1", kind: "yarn", standard_cost: "2.80" });
  const greige = await call("POST", "/inventory/materials/", {
    code: `GRG-SJ180-${suffix}`,
    name: "Single jersey 180 greige",
    kind: "greige",
    gsm: "180",
    width_cm: "150",
    standard_cost: "2.00",
  });
  const csv = `material,location,qty,qc_status,unit_cost,lot\n${yarn.code},${stores.code},500,released,2.80,YL-${suffix}\n`;
  const form = new FormData();
  form.append("file", new Blob([csv], { type: "text/csv" }), "opening.csv");
  const opening = await fetch(`${baseUrl}/api/v1/inventory/opening-balances/`, { method: "POST", headers: { Authorization: `Bearer ${access}` }, body: form });
  if (!opening.ok) throw new Error(`opening balances: ${opening.status} ${await opening.text()}`);
  log(`seeded: warehouse ${warehouse?.code}, fabric ${fabric?.code}, supplier ${supplier?.code}, customer ${customer?.code}, yarn ${yarn?.code} (500 kg), greige ${greige?.code}`);
  return { suffix, missing, warehouse, stores, quarantine, finished, fabric, supplier, price, customer, yarn, greige, yarnLot: `YL-${suffix}` };
}
