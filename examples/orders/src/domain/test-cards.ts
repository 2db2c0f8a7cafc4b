import { z } from 'zod';

export const cardNumber = z.string().regex(/^\d{12,19}$/, '12 to 19 digits, e.g. 4242424242424242');

/** How the simulated card gateway answers an authorisation for a card. */
export interface CardBehaviour {
  readonly outcome: 'approve' | 'decline' | 'authenticate';
  /** The most one authorisation may hold, in minor units of any currency. */
  readonly limit: number;
}

/** Every card may hold up to 5,000.00 unless it says otherwise. */
export const standardCardLimit = 5_000_00;

// Numbers as in Stripe's test mode, so they look familiar; any other number is approved.
const testCards: Readonly<Record<string, CardBehaviour>> = {
  '4000000000000002': { outcome: 'decline', limit: standardCardLimit },
  '4000002500003155': { outcome: 'authenticate', limit: standardCardLimit },
  '4000000000009995': { outcome: 'approve', limit: 20_00 },
};

/** The gateway's answer for a card number: approve, decline, or ask the customer to authenticate (3-D Secure). */
export function cardBehaviour(number: string): CardBehaviour {
  return testCards[number] ?? { outcome: 'approve', limit: standardCardLimit };
}
