"""The platform policy pack's code: the rule model, the rules by concern, and their CrossGuard wrapping.

`policies/__main__.py` builds the pack from it; `pulumi policy publish` uploads the `policies/` folder,
so this package imports nothing of the repository but the shared core beside it, `platform_core`.
"""
