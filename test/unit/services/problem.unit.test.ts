import { z } from 'zod';
import { validationProblem } from '../../../services/api/problem';

/** 400 is for a request that is malformed (missing, wrong type); 422 for a value of the right type outside the domain. */
describe('validation problems', () => {
  const body = z.object({ score: z.number().int().min(1).max(5), name: z.string().min(1) });
  const problem = (input: Record<string, unknown>) => {
    const r = body.safeParse(input);
    if (r.success) throw new Error('expected a refusal');
    return validationProblem('body', r.error.issues, input);
  };

  test('a fraction where a whole number is wanted is 422 naming the field', () => {
    const p = problem({ score: 3.5, name: 'x' });
    expect(p.status).toBe(422);
    expect(p.errors).toEqual([{ field: 'body.score', message: 'must be a whole number' }]);
  });

  test('a whole number out of range is 422', () => expect(problem({ score: 6, name: 'x' }).status).toBe(422));

  test('a string where a number is wanted, or a missing field, is 400', () => {
    expect(problem({ score: 'four', name: 'x' }).status).toBe(400);
    expect(problem({ name: 'x' }).status).toBe(400);
  });

  test('a fractional query value is 422 too', () => {
    const query = z.object({ limit: z.coerce.number().int().min(1) });
    const input = { limit: '2.5' };
    const r = query.safeParse(input);
    expect(r.success).toBe(false);
    if (!r.success) expect(validationProblem('query', r.error.issues, input).status).toBe(422);
  });
});
