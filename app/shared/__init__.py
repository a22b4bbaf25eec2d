"""Code both ends share: the protocol, its validation rules, logging, form loading."""
