import { kafkaClusterId } from '../../infra/stack';

describe('the local Kafka cluster id', () => {
  test('never starts with "-", which StorageTool would read as an option: such a draw is drawn again', () => {
    // 0xF8 encodes as base64url "-…": the first draw is refused, the second one kept.
    const draws = [Buffer.from([0xf8, ...Array.from({ length: 15 }, () => 1)]), Buffer.from(Array.from({ length: 16 }, (_, i) => i + 1))];
    let calls = 0;
    const id = kafkaClusterId(() => draws[calls++] as Buffer);
    expect(calls).toBe(2);
    expect(id).toBe((draws[1] as Buffer).toString('base64url'));
  });

  test('is 22 base64url characters (16 bytes), whatever the draw', () => {
    for (let i = 0; i < 2000; i += 1) expect(kafkaClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
