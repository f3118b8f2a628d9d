"""The ModelArts and IAM REST client: one bounded HTTP exchange, the retry policy, signing and
tokens, the endpoints and the API's answers read into models. Knows nothing of Pulumi or of the
resources' rules; imports only `core`."""
