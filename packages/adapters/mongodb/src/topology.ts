import type { Db, Document } from 'mongodb';

/** Replica set members (`setName`) and mongos routers (`msg: 'isdbgrid'`) run multi-document transactions. */
export function supportsTransactions(hello: Document): boolean {
  return typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
}

/** Asks the server with `hello`, falling back to `isMaster` for servers before 4.4.2. */
export async function detectTransactions(db: Db): Promise<boolean> {
  const admin = db.admin();
  const reply = await admin.command({ hello: 1 }).catch(() => admin.command({ isMaster: 1 }));
  return supportsTransactions(reply);
}
