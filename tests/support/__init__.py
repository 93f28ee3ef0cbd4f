"""What the tests share: saved pages, crawls and corpus folders.

- :mod:`tests.support.pages`: saved pages from ``sample_pages/`` as Scrapy
  responses, replay folders written for a test, editable copies of ``sample_pages/``;
- :mod:`tests.support.crawl`: crawls, in the test process (:func:`crawl_in_process`)
  or as a ``scrapy crawl`` subprocess (:func:`run_crawl`, :func:`start_crawl`);
- :mod:`tests.support.corpus`: reading a corpus folder's files, comparing two
  crawls' records, copies of the sample corpus built once per test run;
- :mod:`tests.support.faults`: a server on 127.0.0.1 serving saved pages with faults;
- :mod:`tests.support.spiders`, :mod:`tests.support.altered`,
  :mod:`tests.support.diskfull`, :mod:`tests.support.bad_pages`: spiders,
  components and pages written for particular tests.
"""
