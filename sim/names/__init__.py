"""Names: how writers spell them, and how databases decide that two spellings are one person.

* :mod:`sim.names.conventions`: French, Dutch, English and Turkish writing habits (assumptions).
* :mod:`sim.names.variants`: the name a writer puts down (re-spelt, surname first, typos).
* :mod:`sim.names.normalise`: one spelling for what the conventions disagree on.
* :mod:`sim.names.matchers`: exact, phonetic and similarity matchers, with cached decisions.
* :mod:`sim.names.population`: a generated population of other people's names.
* :mod:`sim.analysis.matcher_quality`: each matcher's recall and precision on a scenario's
  conventions.
"""
