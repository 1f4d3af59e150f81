"""Analogue Watch event contracts: the product's public face.

* ``contracts.topics``: the topic table (:data:`~contracts.topics.TOPICS`), the only place topic
  names live.
* ``contracts.envelope``: the envelope every event carries and the bounded field types.
* ``contracts.seizure``, ``lab``, ``legislation``: events agencies publish to us (tolerant reader).
* ``contracts.detection``, ``schedule``, ``alerts``, ``dead_letter``: events we publish (strict).
* ``contracts.events``: the union of every event, discriminated on ``type``.
* ``contracts.codec``: ``decode``/``encode``, upcasters, :class:`~contracts.errors.ContractError`.
* ``contracts.publish``: generates ``schemas/`` and ``asyncapi.yaml``; ``GUIDE.md`` is for agencies.

Imports pydantic only.
"""
