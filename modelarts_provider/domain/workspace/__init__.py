"""The workspace: its declared fields and rules (`spec`), canonical form (`canonical`), grants as
sets of users (`pairing`) and its lifecycle (`lifecycle`)."""
