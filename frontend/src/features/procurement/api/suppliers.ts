import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, detailQueryOptions, listQueryOptions, updateDocument, useInvalidatingMutation } from "@/lib/resource";
import type { Supplier } from "../types";

export const SUPPLIERS = "/procurement/suppliers/";

export const suppliersQuery = (params?: ListParams) => listQueryOptions<Supplier>(SUPPLIERS, params);
export const useSupplierList = (params?: ListParams) => useQuery(suppliersQuery(params));
export const useSupplier = (id?: string | number) => useQuery(detailQueryOptions<Supplier>(SUPPLIERS, id));

export interface SupplierInput {
  code: string;
  name: string;
  address?: string;
  payment_terms?: string;
  is_active?: boolean;
}

export const useSaveSupplier = () =>
  useInvalidatingMutation(
    ({ supplier, body, key }: { supplier?: Supplier; body: SupplierInput; key: string }) =>
      supplier ? updateDocument<Supplier>(SUPPLIERS, supplier, body) : createDocument<Supplier>(SUPPLIERS, body, key),
    [SUPPLIERS],
    { success: "Supplier saved.", silent: true },
  );
