import { ConfigReader } from '@backstage/config';
import { findConfigProblems } from './preflight';

const valid = {
  app: { baseUrl: 'http://localhost:3000' },
  backend: {
    baseUrl: 'http://localhost:7007',
    listen: { port: 7007 },
    database: { client: 'better-sqlite3', connection: ':memory:' },
  },
  environments: {
    stages: [
      { name: 'dev', cluster: 'local', namespace: 'dev' },
      { name: 'prod', cluster: 'prod', namespace: 'prod' },
    ],
  },
};

const withBackend = (backend: object) =>
  new ConfigReader({ ...valid, backend: { ...valid.backend, ...backend } });

describe('findConfigProblems', () => {
  it('accepts the demo configuration', () => {
    expect(findConfigProblems(new ConfigReader(valid))).toEqual([]);
  });

  it('names an unsupported database client and the allowed ones', () => {
    expect(
      findConfigProblems(withBackend({ database: { client: 'oracle' } })),
    ).toEqual([
      'backend.database.client is "oracle"; allowed: better-sqlite3, pg',
    ]);
  });

  it('names a bad listen port, in either config form', () => {
    expect(
      findConfigProblems(withBackend({ listen: { port: 'abc' } })),
    ).toEqual([
      'backend.listen port is "abc"; allowed: a whole number from 1 to 65535',
    ]);
    expect(findConfigProblems(withBackend({ listen: ':70000' }))).toHaveLength(
      1,
    );
    expect(findConfigProblems(withBackend({ listen: ':7007' }))).toEqual([]);
  });

  it('says which PostgreSQL setting is missing and where it comes from', () => {
    const problems = findConfigProblems(
      withBackend({
        database: {
          client: 'pg',
          connection: { host: 'db', user: 'backstage', port: '5432x' },
        },
      }),
    );
    expect(problems).toEqual([
      'backend.database.connection.password is missing (app-config.production.yaml reads it from POSTGRES_PASSWORD)',
      'backend.database.connection.port is "5432x"; allowed: a whole number from 1 to 65535',
    ]);
  });

  it('rejects stage names that are not DNS labels, and duplicates', () => {
    const config = new ConfigReader({
      ...valid,
      environments: {
        stages: [
          { name: 'Dev!', cluster: 'c', namespace: 'dev' },
          { name: 'prod', cluster: 'c', namespace: 'prod' },
          { name: 'prod', cluster: 'c', namespace: 'prod2' },
        ],
      },
    });
    expect(findConfigProblems(config)).toEqual([
      'environments.stages[0].name is "Dev!"; allowed: a DNS-1123 label such as "dev"',
      'environments.stages[2].name "prod" is used twice',
    ]);
  });
});
