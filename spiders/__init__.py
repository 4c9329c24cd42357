"""The Scrapy project of the auditor (``scrapy.cfg`` → ``spiders.settings``)."""
