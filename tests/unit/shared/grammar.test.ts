import { indefiniteArticle } from '../../../shared/grammar';

describe('indefiniteArticle', () => {
  it.each([
    ['Opening time', 'an'],
    ['Area', 'an'],
    ['Location', 'a'],
    ['Contact', 'a'],
    ['Cost', 'a'],
    ['Funding source', 'a'],
    ['user', 'a'],
    ['unit', 'a'],
    ['umbrella', 'an'],
    ['hour', 'an'],
    ['one-off session', 'a'],
    ['evening group', 'an'],
  ])('when the item is %p, then the article is %p', (word, article) => {
    expect(indefiniteArticle(word)).toBe(article);
  });
});
