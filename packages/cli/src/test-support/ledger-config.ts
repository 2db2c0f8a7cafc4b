// The config the tests hand to the real `ordo` binary; the store path comes from ORDO_TEST_DB.
import { defineOrdoConfig } from '../config.js';
import { openSqliteStores } from '../sqlite-stores.js';
import { balances, deposits, ledger } from './ledger-domain.js';

export default defineOrdoConfig(() => ({
  ...openSqliteStores({ path: process.env.ORDO_TEST_DB ?? 'missing.sqlite' }),
  projections: [balances, deposits],
  aggregates: [ledger],
}));
