// A fresh PostgreSQL database for one benchmark run (127.0.0.1, trust auth, user postgres), dropped afterwards.
import pg from 'pg';

const ADMIN = 'postgres://postgres@127.0.0.1:5432/postgres';

export async function createPgDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `haoka_bench_${label}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: ADMIN });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: `postgres://postgres@127.0.0.1:5432/${name}`,
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Whether a PostgreSQL server answers at 127.0.0.1:5432 (figures that only need a database take it when it does). */
export async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}
