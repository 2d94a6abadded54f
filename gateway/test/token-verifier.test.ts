import { devToken } from '@maillage/viewer';
import { DEV_TOKENS, DoorError, tokenVerifier } from '../src/auth';

// Verified tokens are remembered (auth.ts): never past their expiry, never a refused one.
test('a token verified once gives the same viewer again; another token its own', async () => {
  const verify = tokenVerifier(DEV_TOKENS);
  const editor = await devToken('editor', { subject: 'ed', networks: ['ch-1'] });
  const analyst = await devToken('analyst', { subject: 'an' });
  const first = await verify(editor);
  expect(first).toMatchObject({ role: 'editor', subject: 'ed', networks: ['ch-1'] });
  expect(await verify(editor)).toBe(first);
  expect(await verify(analyst)).toMatchObject({ role: 'analyst', subject: 'an' });
});

test('a remembered token is refused once it has expired', async () => {
  const verify = tokenVerifier(DEV_TOKENS);
  const token = await devToken('editor', { subject: 'short', expiresIn: '2s' });
  expect((await verify(token)).subject).toBe('short');
  await new Promise((r) => setTimeout(r, 2100));
  await expect(verify(token)).rejects.toThrow('Invalid bearer token: expired');
});

test('a refused token is refused every time, also after a good one', async () => {
  const verify = tokenVerifier(DEV_TOKENS);
  const good = await devToken('editor');
  await verify(good);
  const forged = `${good.slice(0, -4)}AAAA`;
  for (let i = 0; i < 2; i++) {
    const err = await verify(forged).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DoorError);
    expect((err as DoorError).status).toBe(401);
  }
});
