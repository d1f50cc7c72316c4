"""Referral directory: who a person can call or text now, in their country, for their situation.

Data flow: data/referrals/<cc>.yml (reviewed by people) -> `seeds.load_seed_dir` (validated dataclasses, no
database) -> `loader.import_dir` (one transaction, idempotent) -> `query.find_contacts` (ordered views) ->
`formatting.format_contacts` (text for a phone screen). Maintainers use `python -m bot referrals ...` (cli.py).

Public API:
    db.make_engine(url=None) / db.upgrade(engine_or_url) / db.session_factory(engine)
    seeds.load_seed_dir(path=None) -> list[CountrySeed]
    loader.import_dir(engine, path=None) -> LoadReport
    query.find_contacts(session, country, need=None) -> list[OrganisationView]
    formatting.format_contacts(views, language, max_items=6) -> str
    cli.register(subparsers)
"""
