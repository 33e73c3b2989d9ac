// What an operator may send to connect a SalesRender company or change its connection (snake_case, as the API speaks).
import { z } from 'zod';

/** An id SalesRender may give as a number or a string; stored as text. */
export const idLike = z.union([z.string().min(1).max(64), z.number().int().nonnegative()]).transform(String);

export const salesRenderBaseUrl = z
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL')
  .transform((value) => value.replace(/\/+$/, ''));

export const salesRenderToken = z.string().trim().min(8, 'must be the SalesRender API token').max(4096);

/** Where the fact sheet's examples live; the usual value for a company in the EU region. */
export const defaultSalesRenderBaseUrl = 'https://de.backend.salesrender.com';

export const connectionCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    base_url: salesRenderBaseUrl.default(defaultSalesRenderBaseUrl),
    company_id: idLike,
    /** The CRM API token; may be left out for a company reached only through CPA webmaster tokens. */
    token: salesRenderToken.optional(),
  })
  .strict();

/** A PATCH: any subset. Moving base URL or company id moves every campaign of the connection with it. */
export const connectionPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    base_url: salesRenderBaseUrl,
    company_id: idLike,
    token: salesRenderToken,
  })
  .partial()
  .strict();

export type ConnectionCreateInput = z.infer<typeof connectionCreateSchema>;
export type ConnectionPatchInput = z.infer<typeof connectionPatchSchema>;
