import type { CliIo } from './command.js';
import type { OrdoConfig } from './config.js';
import { configPath, loadConfig } from './load-config.js';

/** Loads the config, runs `work`, and always closes the stores it opened. */
export async function withConfig<T>(
  option: string | undefined,
  io: CliIo,
  work: (config: OrdoConfig) => Promise<T>,
): Promise<T> {
  const config = await loadConfig(configPath(option, io.env));
  try {
    return await work(config);
  } finally {
    if (config.close !== undefined) await config.close();
    else {
      await config.readStore.close();
      await config.store.close();
    }
  }
}
