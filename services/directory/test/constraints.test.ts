import { expectConstraintRefusals, malformedIdempotencyKey, subgraphForFile, type ConstraintCase } from '@maillage/testing';
import { service } from '../src/server';

// The directory's invariants (migration 20261201090000_database_invariants) hold for rows written
// past the API, and a rule the API's checks miss is still refused with the API's own code.
const s = subgraphForFile(service);

test('a SIREN changed under an existing SIRET is refused by the database as INVALID_IDENTIFIER', async () => {
  const created = await s.execute(
    `mutation { createActor(input: { kind: COMPANY, name: "Établissement", siren: "410000020", siret: "41000002000017" }) { id } }`,
  );
  expect(created.errors).toBeUndefined();
  const id = created.data!.createActor.id;
  // The API checks a SIRET against the SIREN when the SIRET is given; here only the SIREN changes.
  const res = await s.execute(`mutation($id: ID!) { updateActor(id: $id, input: { siren: "410000004" }) { siren siret } }`, { id });
  expect(res.errors![0].extensions).toEqual({ code: 'INVALID_IDENTIFIER', field: 'siret' });
  expect(res.errors![0].message).not.toMatch(/actor_siret_of_siren_check|UPDATE/);
  expect((await s.client.actor.findUnique({ where: { id } }))!.siren).toBe('410000020');
});

test('check constraints refuse what each table promises', async () => {
  const sql = (text: string) => s.client.$executeRawUnsafe(text);
  const cases: ConstraintCase[] = [
    [`UPDATE actor SET siren = '12345' WHERE id = 'act-edf'`, 'actor_siren_check', 'INVALID_IDENTIFIER'],
    [`UPDATE actor SET rna = 'X123456789' WHERE id = 'act-edf'`, 'actor_rna_check', 'INVALID_IDENTIFIER'],
    [
      `UPDATE actor SET founded_on = '2000-01-01', closed_on = '1999-12-31' WHERE id = 'act-edf'`,
      'actor_dates_check',
      'INVALID_DATE_RANGE',
    ],
    [`UPDATE actor SET name = ' ' WHERE id = 'act-edf'`, 'actor_name_check', 'BAD_USER_INPUT'],
    [`UPDATE role SET start_date = '2020-01-01', end_date = '2019-12-31'`, 'role_dates_check', 'INVALID_DATE_RANGE'],
    [`UPDATE role SET organisation_id = person_id`, 'role_parties_check', 'BAD_USER_INPUT'],
    [
      `INSERT INTO role (id, person_id, organisation_id, title) VALUES ('r-c-1', 'act-nobody', 'act-edf', 'x')`,
      'role_person_id_fkey',
      'UNKNOWN_ACTOR',
    ],
    [`UPDATE actor SET siren = '552081317' WHERE id <> 'act-edf' AND siren IS NOT NULL`, 'actor_siren_key', 'DUPLICATE_IDENTIFIER'],
    [
      `INSERT INTO partner_key (id, name, secret_hash, rate_limit_per_minute) VALUES ('pk-c', 'x', 'y', 0)`,
      'partner_key_rate_limit_check',
      'BAD_USER_INPUT',
    ],
    malformedIdempotencyKey('a b c d e f'),
  ];
  await expectConstraintRefusals(sql, cases);
});
