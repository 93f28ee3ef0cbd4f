"""A static link browser over an export: pages that open from the folder, with no server.

``index.html`` lists the articles (sortable and filterable), each article's
page shows its text with every linked quote highlighted beside the speeches
they quote, and ``summary.html`` charts the links as inline SVG. Pages load
nothing from the network: styles and the index's script are files beside them.
"""
