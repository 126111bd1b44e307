"""Everything that makes and judges a model, kept out of what ``clean`` imports.

``declutter train``, ``declutter evaluate``, ``declutter label`` and the benchmarks import
these modules; ``import declutter; declutter.clean(text)`` never does (a test holds it to
that), so a user who only cleans text neither loads nor ships-in-memory the corpus loaders,
the labelled-data readers or scikit-learn's estimators.

- :mod:`.data`: our labelled JSON Lines format (read, write, errors that cite file:line)
- :mod:`.corpora`: loaders of the public corpora, labelled block by block from their gold
- :mod:`.datasets`: a data spec (a file, a folder, ``corpus:NAME[:text]``) to documents
- :mod:`.units`: labelled documents to the units the classifier is fit on
- :mod:`.train`: grouped cross-validation, threshold tuning, the model card
- :mod:`.evaluation`, :mod:`.metrics`: paragraph-level scores of a model on labelled data
- :mod:`.labelling`: pre-label new documents for a person to correct
"""
