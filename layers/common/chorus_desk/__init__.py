"""Chorus Pro support desk: the shared domain package, shipped to every function as the common layer.

Where each rule of DOMAIN.md lives:

- ``lifecycle``: ticket statuses, actions and the transition table (who may do what from which status,
  which text becomes mandatory);
- ``catalogue``: the category / sub-category pairs and the routing rule of each;
- ``routing``: who receives a submitted ticket;
- ``siret``: SIRET / SIREN validation;
- ``directory``: users, structures, teams and memberships (who acts for which organisation, with which role);
- ``tickets``: the ticket use cases (create, edit, submit, act, read) and their authorization;
- ``models``: the pydantic models of the domain; ``schemas``: the HTTP request / response contract;
- ``errors`` and ``messages``: the domain exceptions and every French text shown to users;
- ``repository``: the only module that talks to DynamoDB (single-table design, see docs/decisions.md);
- ``settings`` and ``observability``: configuration read once, Logger / Tracer / Metrics.
"""
