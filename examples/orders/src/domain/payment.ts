import { DomainError, defineAggregate } from '@ordo/core';
import { z } from 'zod';
import { currency, minorUnits } from './money.js';
import { cardBehaviour, cardNumber } from './test-cards.js';

export type PaymentErrorCode =
  | 'CARD_DECLINED'
  | 'CARD_LIMIT_EXCEEDED'
  | 'PAYMENT_EXISTS'
  | 'PAYMENT_NOT_FOUND'
  | 'PAYMENT_NOT_AUTHORISED'
  | 'PAYMENT_VOIDED'
  | 'PAYMENT_CAPTURED';

const authorisation = z.object({ amount: minorUnits, currency, cardLast4: z.string() });

const reject = (code: PaymentErrorCode, message: string, details?: Record<string, unknown>) =>
  new DomainError<PaymentErrorCode>(code, message, details);

/**
 * The card payment of one order (same id), against a simulated gateway: an authorisation holds the
 * amount, possibly after the customer passes 3-D Secure; it is then captured at shipping or voided.
 */
export const payment = defineAggregate({
  name: 'Payment',
  commands: {
    AuthorisePayment: z.object({ amount: minorUnits, currency, cardNumber }),
    /** The customer passed the 3-D Secure challenge the gateway asked for. */
    CompleteAuthentication: z.object({}),
    VoidPayment: z.object({}),
    CapturePayment: z.object({}),
  },
  events: {
    AuthenticationRequired: authorisation,
    PaymentAuthorised: authorisation,
    PaymentVoided: z.object({}),
    PaymentCaptured: z.object({ amount: minorUnits }),
  },
  initialState: () => ({
    status: 'new' as 'new' | 'authentication-required' | 'authorised' | 'voided' | 'captured',
    amount: 0,
    currency: '',
    cardLast4: '',
  }),
  evolve: (state, event) => {
    switch (event.type) {
      case 'AuthenticationRequired':
        return { ...event.data, status: 'authentication-required' as const };
      case 'PaymentAuthorised':
        return { ...event.data, status: 'authorised' as const };
      case 'PaymentVoided':
        return { ...state, status: 'voided' as const };
      case 'PaymentCaptured':
        return { ...state, status: 'captured' as const };
    }
  },
  decide: (command, state) => {
    if (command.type === 'AuthorisePayment') {
      if (state.status !== 'new') throw reject('PAYMENT_EXISTS', 'This payment was already authorised');
      const { amount, currency: code, cardNumber: number } = command.data;
      const card = cardBehaviour(number);
      if (card.outcome === 'decline') throw reject('CARD_DECLINED', 'The card issuer declined the payment');
      if (amount > card.limit) {
        throw reject('CARD_LIMIT_EXCEEDED', 'The amount exceeds the card limit', { amount, limit: card.limit });
      }
      const data = { amount, currency: code, cardLast4: number.slice(-4) };
      return { type: card.outcome === 'authenticate' ? 'AuthenticationRequired' : 'PaymentAuthorised', data };
    }
    const { status } = state;
    if (status === 'new') throw reject('PAYMENT_NOT_FOUND', 'Authorise the payment first');
    switch (command.type) {
      case 'CompleteAuthentication':
        if (status === 'voided') throw reject('PAYMENT_VOIDED', 'The payment was voided');
        if (status !== 'authentication-required') return [];
        return {
          type: 'PaymentAuthorised',
          data: { amount: state.amount, currency: state.currency, cardLast4: state.cardLast4 },
        };
      case 'VoidPayment':
        if (status === 'captured') throw reject('PAYMENT_CAPTURED', 'A captured payment cannot be voided');
        return status === 'voided' ? [] : { type: 'PaymentVoided', data: {} };
      case 'CapturePayment':
        if (status === 'voided') throw reject('PAYMENT_VOIDED', 'The payment was voided');
        if (status === 'authentication-required') {
          throw reject('PAYMENT_NOT_AUTHORISED', 'The customer has not passed authentication yet');
        }
        return status === 'captured' ? [] : { type: 'PaymentCaptured', data: { amount: state.amount } };
    }
  },
});
