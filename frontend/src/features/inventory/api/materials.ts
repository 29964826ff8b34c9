import { useQuery } from "@tanstack/react-query";
import { createDocument, listQueryOptions, updateDocument, useInvalidatingMutation } from "@/lib/resource";
import type { ListParams } from "@/lib/pagination";
import type { Material } from "../types";

export const MATERIALS = "/inventory/materials/";

export const materialsQuery = (params?: ListParams) => listQueryOptions<Material>(MATERIALS, params);
export const useMaterialList = (params?: ListParams) => useQuery(materialsQuery(params));

export type MaterialInput = Partial<Omit<Material, "id" | "version" | "unit">>;
export const createMaterial = (body: MaterialInput, key: string) => createDocument<Material>(MATERIALS, body, key);
export const updateMaterial = (material: Material, body: MaterialInput) => updateDocument<Material>(MATERIALS, material, body);

export const useCreateMaterial = () =>
  useInvalidatingMutation(({ body, key }: { body: MaterialInput; key: string }) => createMaterial(body, key), [MATERIALS], {
    success: "Material saved.",
    silent: true,
  });
