"""One-typo correction towards the words the danger patterns use.

"pasport", "pasaprote", "amenasan", "encerado": listing every misspelling is hopeless, so a word that is
one edit (insert, delete, replace, swap) away from a pattern word is read as that word. Only the pattern
vocabulary is a target, so a typo can only turn into a word that matters here; short words (where one
edit changes the meaning: "hit"/"hot") and real words of the language ("kinds" is not a typo of "kids",
"corren" not of "corre") are left alone. Look-up is a delete-neighbourhood index (the
SymSpell idea), so it costs a handful of dict look-ups per word instead of a scan of the vocabulary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance <= 1 (adjacent swaps count as one edit)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


class TypoCorrector:
    """Maps a word to the single pattern word it is one typo away from, or leaves it as it is."""

    def __init__(
        self,
        vocabulary: Iterable[str],
        min_length: int = 5,
        protect: Iterable[str] = (),
        is_word: Callable[[str], bool] = lambda _: False,
    ) -> None:
        self._min_length = min_length
        self._vocabulary = {w for w in vocabulary if w.isalpha()}
        self._protect = set(protect)
        self._is_word = is_word
        self._index: dict[str, set[str]] = {}
        for word in self._vocabulary:
            if len(word) < min_length:
                continue
            for key in _deletes(word) | {word}:
                self._index.setdefault(key, set()).add(word)
        self._cache: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """Return the pattern word meant by `word`; ambiguous or unknown words come back unchanged."""
        if len(word) < self._min_length or word in self._vocabulary or word in self._protect or not word.isalpha():
            return word
        if self._is_word(word):
            return word
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        candidates: set[str] = set()
        for key in _deletes(word) | {word}:
            candidates |= self._index.get(key, set())
        matches = sorted(c for c in candidates if within_one_edit(word, c))
        # Two equally close pattern words ("pagan"/"pegan") means we cannot tell which was meant.
        result = matches[0] if len(matches) == 1 else word
        if len(self._cache) < 50_000:
            self._cache[word] = result
        return result
