import { PGlite } from '@electric-sql/pglite';
let t0 = Date.now();
const pg = new PGlite(); await pg.waitReady; console.log('1st', Date.now() - t0);
t0 = Date.now(); const pg2 = new PGlite(); await pg2.waitReady; console.log('2nd', Date.now() - t0);
await pg2.exec('create table a(x int)');
t0 = Date.now(); const pg3 = await (pg2 as any).clone(); console.log('clone', Date.now() - t0, (await pg3.query('select count(*) from a')).rows);
