import { z } from 'zod';

/** Money is always integer minor units (cents) with an ISO-4217 currency code. */
export const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO-4217 code such as EUR');
export const minorUnits = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
