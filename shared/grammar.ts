/** Small English helpers for generated text. */

/** Words that start with a vowel letter but a consonant sound ("a user", "a one-off"), or the reverse ("an hour"). */
const CONSONANT_SOUND = /^(u[bcfhjkqrstn][aeiou]|use|usu|uni|one\b|once\b|eu)/i;
const VOWEL_SOUND = /^(hour|honest|honou?r|heir)/i;

/** "a" or "an" for the word that follows: "an opening time", "an area", "a contact", "a user", "an hour". */
export function indefiniteArticle(word: string): 'a' | 'an' {
  const w = word.trim();
  if (VOWEL_SOUND.test(w)) return 'an';
  if (CONSONANT_SOUND.test(w)) return 'a';
  return /^[aeiou]/i.test(w) ? 'an' : 'a';
}
