"""Checks that keep a bad page out of the corpus.

- :mod:`~crawler.pagecheck.decoding` decides a text response's encoding from the
  bytes themselves before any parser reads it (no mojibake);
- :mod:`~crawler.pagecheck.problems` recognises pages that are not what the
  crawl asked for: bodies cut short, empty bodies, consent walls, soft 404s;
- :mod:`~crawler.pagecheck.middleware` refuses those pages as lost (see
  :mod:`crawler.lost`) and turns a parser's exception into a lost page rather
  than a crashed callback;
- :mod:`~crawler.pagecheck.worse` tells whether a re-fetched copy of a record is
  worse than the stored one, so a bad re-check never replaces a good record.
"""
