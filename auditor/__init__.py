"""政务公开 disclosure auditor: crawl bureau sites, extract metadata, check catalogues, report gaps."""

__version__ = "0.1.0"
