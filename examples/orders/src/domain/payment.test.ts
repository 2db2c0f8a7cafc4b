import { aggregateSpec } from '@ordo/core/testing';
import { describe, expect, it } from 'vitest';
import { payment } from './payment.js';
import { standardCardLimit } from './test-cards.js';

const authorise = (cardNumber: string, amount = 49_00) =>
  ({ type: 'AuthorisePayment', data: { amount, currency: 'EUR', cardNumber } }) as const;
const authorisation = (cardLast4: string) => ({ amount: 49_00, currency: 'EUR', cardLast4 });
const authorised = { type: 'PaymentAuthorised', data: authorisation('4242') } as const;
const challenged = { type: 'AuthenticationRequired', data: authorisation('3155') } as const;
const voided = { type: 'PaymentVoided', data: {} } as const;

describe('Payment', () => {
  const spec = aggregateSpec(payment);

  it('authorises an approved card, keeping only its last four digits', () => {
    spec.given([]).when(authorise('4242424242424242')).thenEvents([authorised]);
  });

  it('declines the decline test card and amounts beyond the card limit', () => {
    spec.given([]).when(authorise('4000000000000002')).thenThrows('CARD_DECLINED');
    spec
      .given([])
      .when(authorise('4242424242424242', standardCardLimit + 1))
      .thenThrows('CARD_LIMIT_EXCEEDED');
    spec.given([]).when(authorise('4000000000009995', 20_01)).thenThrows('CARD_LIMIT_EXCEEDED');
  });

  it('asks for 3-D Secure on the authentication test card, and authorises once it is passed', () => {
    spec.given([]).when(authorise('4000002500003155')).thenEvents([challenged]);
    spec
      .given([challenged])
      .when({ type: 'CompleteAuthentication', data: {} })
      .thenEvents([{ type: 'PaymentAuthorised', data: authorisation('3155') }]);
    spec.given([challenged]).when({ type: 'CapturePayment', data: {} }).thenThrows('PAYMENT_NOT_AUTHORISED');
  });

  it('refuses a second authorisation', () => {
    spec.given([authorised]).when(authorise('4242424242424242')).thenThrows('PAYMENT_EXISTS');
  });

  it('captures an authorised payment once', () => {
    const captured = spec.given([authorised]).when({ type: 'CapturePayment', data: {} });
    captured.thenEvents([{ type: 'PaymentCaptured', data: { amount: 49_00 } }]);
    expect(captured.state().status).toBe('captured');
    spec
      .given([authorised, { type: 'PaymentCaptured', data: { amount: 49_00 } }])
      .when({ type: 'VoidPayment', data: {} })
      .thenThrows('PAYMENT_CAPTURED');
  });

  it('voids an authorisation or a pending challenge, after which nothing is captured or authorised', () => {
    spec.given([authorised]).when({ type: 'VoidPayment', data: {} }).thenEvents([voided]);
    spec.given([challenged]).when({ type: 'VoidPayment', data: {} }).thenEvents([voided]);
    spec.given([authorised, voided]).when({ type: 'VoidPayment', data: {} }).thenNothing();
    spec.given([authorised, voided]).when({ type: 'CapturePayment', data: {} }).thenThrows('PAYMENT_VOIDED');
    spec.given([challenged, voided]).when({ type: 'CompleteAuthentication', data: {} }).thenThrows('PAYMENT_VOIDED');
  });

  it('refuses commands on a payment that was never authorised', () => {
    spec.given([]).when({ type: 'CapturePayment', data: {} }).thenThrows('PAYMENT_NOT_FOUND');
  });
});
