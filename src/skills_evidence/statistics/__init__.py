"""Statistics: qualification levels, comparisons with benchmarks, survey weighting, disclosure control
and the indicator table (with its catalogue) that every chapter writes."""
