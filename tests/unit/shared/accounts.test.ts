import { passwordProblem, SignInBody, InviteBody, UpdateUserBody } from '../../../shared/schemas/accounts';

describe('passwordProblem', () => {
  it.each([
    ['eleven char', 'someone@example.org', 'must be at least 12 characters'],
    ['x'.repeat(201), 'someone@example.org', 'must be at most 200 characters'],
    [' SomeOne@Example.org ', 'someone@example.org', 'must not be your email address'],
    ['twelve chars', 'someone@example.org', undefined],
    ['x'.repeat(200), undefined, undefined],
  ])('when the password is %j for %s, then the problem is %s', (password, email, expected) => {
    expect(passwordProblem(password, email)).toBe(expected);
  });
});

describe('accounts request schemas', () => {
  it('when an email is given in any case with spaces, then it is trimmed and lower-cased', () => {
    expect(SignInBody.parse({ email: '  Ann@Example.ORG ', password: 'x' }).email).toBe('ann@example.org');
  });

  it('when a PCN code is lower-case, then the invite schema upper-cases it', () => {
    const parsed = InviteBody.parse({ email: 'a@example.org', name: 'A', role: 'link_worker', pcnCode: 'u12345' });
    expect(parsed.pcnCode).toBe('U12345');
  });

  it('when an update names an unknown field or nothing, then it is refused', () => {
    expect(UpdateUserBody.safeParse({ passwordHash: 'x' }).success).toBe(false);
    expect(UpdateUserBody.safeParse({}).success).toBe(false);
    expect(UpdateUserBody.safeParse({ status: 'disabled' }).success).toBe(true);
  });
});
