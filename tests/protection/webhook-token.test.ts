import { describe, expect, it } from 'vitest';
import { TokenError } from '../../bot/src/auth/token-verifier.js';
import type { TokenVerifier } from '../../bot/src/auth/token-verifier.js';
import { cachedVerifier } from '../../bot/src/protection/webhook-token.js';

// The webhook checks a token's signature once and remembers it until the token expires.

describe('cached webhook token verifier', () => {
  const counting = (exp: number) => {
    const seen: string[] = [];
    const verify: TokenVerifier = async (authorization) => {
      seen.push(authorization ?? '');
      if (authorization !== 'Bearer good') throw new TokenError('token signature is not valid');
      return { exp, azp: 'caller' };
    };
    return { seen, verify };
  };

  it('verifies a token once, then answers from memory until it expires', async () => {
    let now = 1_000_000_000_000;
    const { seen, verify } = counting(now / 1000 + 120);
    const cached = cachedVerifier(verify, () => now);
    expect(await cached('Bearer good')).toMatchObject({ azp: 'caller' });
    await cached('Bearer good');
    expect(seen).toHaveLength(1);
    now += 121_000; // past exp: checked again (and refused by the real verifier's expiry check)
    await cached('Bearer good');
    expect(seen).toHaveLength(2);
  });

  it('never remembers a refusal', async () => {
    const { seen, verify } = counting(Date.now() / 1000 + 3600);
    const cached = cachedVerifier(verify);
    await expect(cached('Bearer bad')).rejects.toThrow(TokenError);
    await expect(cached('Bearer bad')).rejects.toThrow(TokenError);
    expect(seen).toEqual(['Bearer bad', 'Bearer bad']);
  });
});
