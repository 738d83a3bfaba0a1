"""The Code's rules: working days and bank holidays, typed dates, the policy's timescales and
limits, deadline states, the financial year, the clocks a step fixes, the Code's vocabulary and
provisions. No database and no screens here."""
