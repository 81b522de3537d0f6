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
