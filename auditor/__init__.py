"""政务公开 disclosure auditor: crawl bureau sites, extract metadata, check catalogues, report gaps."""

__version__ = "0.1.0"

# how the crawler names itself: a bureau whitelists this in its WAF to let an audit through
USER_AGENT = f"zwgk-auditor/{__version__} (政务公开合规检查; +https://github.com/zwgk-auditor)"
