"""alwaght_ssg: a static site generator for news-and-analysis publishers."""

__version__ = "0.1.0"
