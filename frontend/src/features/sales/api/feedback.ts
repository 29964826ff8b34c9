import { useQuery } from "@tanstack/react-query";
import type { ListParams } from "@/lib/pagination";
import { createDocument, listQueryOptions, useInvalidatingMutation } from "@/lib/resource";
import type { Feedback } from "../types";

export const FEEDBACK = "/sales/feedback/";

export const feedbackQuery = (params?: ListParams) => listQueryOptions<Feedback>(FEEDBACK, params);
export const useFeedbackList = (params?: ListParams) => useQuery(feedbackQuery(params));

export interface FeedbackInput {
  customer: number;
  kind: "feedback" | "complaint";
  category?: string;
  description: string;
  shipment?: number | null;
  rating?: number | null;
}

export const useCreateFeedback = () =>
  useInvalidatingMutation(({ body, key }: { body: FeedbackInput; key: string }) => createDocument<Feedback>(FEEDBACK, body, key), [FEEDBACK], {
    silent: true,
    success: "Feedback recorded.",
  });
