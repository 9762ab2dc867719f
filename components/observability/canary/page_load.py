"""The page-load canary: opens the stack's public endpoint in the Synthetics runtime's Chrome and fails the run
unless the page answers 2xx.

Runs inside CloudWatch Synthetics (syn-python-selenium-*), never in this repository: `aws_synthetics` exists only
there. Packaged by observability/synthetics.py as python/page_load.py of the canary's zip, handler
`page_load.handler`
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Canaries_WritingCanary_Python.html).
"""

import os

from aws_synthetics.common import synthetics_logger as logger  # type: ignore[import-not-found]
from aws_synthetics.selenium import synthetics_webdriver as syn_webdriver  # type: ignore[import-not-found]

PAGE_URL = os.environ["PAGE_URL"]
STEP_NAME = "loadPage"
TIMEOUT_SECONDS = 30


async def main() -> None:
    browser = syn_webdriver.Chrome()

    def load_page() -> None:
        browser.set_page_load_timeout(TIMEOUT_SECONDS)
        browser.get(PAGE_URL)
        status = syn_webdriver.get_http_response(PAGE_URL)
        if not status or not 200 <= int(status) < 300:
            raise RuntimeError(f"{PAGE_URL} answered {status}")

    await syn_webdriver.execute_step(STEP_NAME, load_page)
    logger.info(f"{PAGE_URL} loaded")


async def handler(event: object, context: object) -> None:
    return await main()
