import { z } from 'zod';
import { AppError } from '../../../server/errors';
import { parseOr400, toFieldProblems } from '../../../server/middleware/validate';

describe('toFieldProblems', () => {
  it('when a strict object gets fields it does not accept, then each such field is named', () => {
    const schema = z.strictObject({ reason: z.string(), nested: z.strictObject({ a: z.number() }) });
    const result = schema.safeParse({ reason: 'x', name: 'Jane', nested: { a: 1, dob: '1950-01-01' } });
    expect(toFieldProblems(result.error!)).toEqual(
      expect.arrayContaining([
        { field: 'name', message: 'is not an accepted field' },
        { field: 'nested.dob', message: 'is not an accepted field' },
      ]),
    );
    expect(toFieldProblems(result.error!)).toHaveLength(2);
  });

  it('when a field is invalid, then its path and message are kept', () => {
    try {
      parseOr400(z.object({ n: z.number({ error: 'must be a number' }) }), { n: 'x' });
      throw new Error('expected a 400');
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).options.errors).toEqual([{ field: 'n', message: 'must be a number' }]);
    }
  });
});
