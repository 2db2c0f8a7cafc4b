export { CliError, type ExitCode, exitCodes, UnavailableError, UsageError } from './cli-error.js';
export { defineOrdoConfig, type OrdoConfig, type OrdoConfigInput } from './config.js';
export { configPath, loadConfig } from './load-config.js';
export { main } from './main.js';
export { openSqliteStores, type SqliteStores } from './sqlite-stores.js';
