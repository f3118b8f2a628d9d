"""What every other layer stands on: the exception hierarchy, where settings come from, nested
time limits, Pulumi's wire values (unknowns, secrets) and polling. Imports nothing else of the
package."""
