import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { Customer } from "../types";

export const CUSTOMERS = "/sales/customers/";

export const customersQuery = (params?: ListParams) => listQueryOptions<Customer>(CUSTOMERS, params);
export const useCustomerList = (params?: ListParams) => useQuery(customersQuery(params));

export interface CustomerInput {
  code: string;
  name: string;
  address?: string;
  points_threshold?: string;
  shade_tolerance?: string;
}

export const useCreateCustomer = () =>
  useInvalidatingMutation(({ body, key }: { body: CustomerInput; key: string }) => createDocument<Customer>(CUSTOMERS, body, key), [CUSTOMERS], {
    success: "Customer saved.",
    silent: true,
  });
