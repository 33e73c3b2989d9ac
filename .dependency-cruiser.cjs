// The import rules of src/ (README, "Development"): adapters over the domain, the domain over
// salesrender, db and config. `npm run lint` runs `depcruise src` with this file.

const DOMAIN = '^src/(leads|statuses|postbacks|campaigns|connections|audit)/';
const ADAPTERS = '^src/(http|ui|cli)/';
// The composition root, the opener of the context every entry point shares, and the context types: they
// name the domain and the adapters' needs, so nothing below the domain may import them.
const COMPOSITION = '^src/(service|open-shared-context|context)\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-not-to-adapters',
      comment:
        'The domain (leads, statuses, postbacks, campaigns, audit) is what the adapters call; it must ' +
        'not know which surface (HTTP, console, CLI) called it, nor the code that opens and wires it.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: [ADAPTERS, '^src/(service|open-shared-context)\\.ts$'] },
    },
    {
      name: 'adapters-not-to-each-other',
      comment:
        'http, ui and cli are thin, separate surfaces over the domain. What two of them share belongs ' +
        'in the domain or a neutral module; wiring one into another belongs in src/service.ts.',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: ADAPTERS, pathNot: '^src/$1/' },
    },
    {
      name: 'adapters-reach-salesrender-through-the-domain',
      comment:
        'Every SalesRender call is made by the domain, which decides its token, deadline and audit. An ' +
        'adapter may only name the typed error it renders (salesrender/errors.ts).',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: '^src/salesrender/', pathNot: '^src/salesrender/errors\\.ts$' },
    },
    {
      name: 'console-reads-through-the-domain',
      comment:
        'The console shows what the domain reads; its statements belong to the domain, so the admin API, ' +
        'the CLI and the console read the same thing. It may hold the database handle (db/connection.ts) ' +
        'to pass it down.',
      severity: 'error',
      from: { path: '^src/ui/' },
      to: { path: '^src/db/', pathNot: '^src/db/connection\\.ts$' },
    },
    {
      name: 'infrastructure-not-to-domain-or-adapters',
      comment:
        'salesrender (the CRM client), db (connection, migrations, SQL, queue) and config sit below the ' +
        'domain: the domain calls them, never the other way round, so they stay usable and testable alone.',
      severity: 'error',
      from: { path: '^src/(salesrender|db|config)/' },
      to: { path: [DOMAIN, ADAPTERS, COMPOSITION] },
    },
    {
      name: 'infrastructure-peers-apart',
      comment:
        'salesrender and db are peers that the domain combines; neither imports the other, and config ' +
        'imports neither. A type both need lives in a neutral module (e.g. src/schema-problem.ts).',
      severity: 'error',
      from: { path: '^src/(salesrender|db|config)/' },
      to: { path: '^src/(salesrender|db)/', pathNot: '^src/$1/' },
    },
    {
      name: 'shared-not-to-adapters',
      comment:
        'The modules at the top of src/ (context, errors, metrics, in-flight-work, schema-problem) and ' +
        'staff-sessions are imported by several adapters; if they imported an adapter, one adapter would ' +
        'depend on another through them.',
      severity: 'error',
      from: { path: '^src/([^/]+\\.ts$|staff-sessions/)', pathNot: '^src/service\\.ts$' },
      to: { path: ADAPTERS },
    },
    {
      name: 'no-circular',
      comment:
        'A cycle makes the order of module evaluation matter and hides which module depends on which; ' +
        'break it by moving the shared part down a layer or passing it in.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-to-tooling',
      comment:
        'sandbox/, test/, bench/ and scripts/ are programs built on src/; the service must run ' +
        'without them.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(sandbox|test|bench|scripts)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import the cruiser cannot resolve would slip past every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // swc, not tsc, parses the sources: dependency-cruiser drives the TypeScript compiler API, which
    // TypeScript 7 (our tsc) no longer offers. swc keeps every import, `import type` included, so a
    // layer that names another layer's types counts as depending on it.
    parser: 'swc',
    // Resolve packages through their "exports" map, as Node does (csv-parse/sync exists only there).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
