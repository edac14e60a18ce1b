"""HTTP plumbing shared by every function: the resolver, error mapping, identity from the authorizer."""
