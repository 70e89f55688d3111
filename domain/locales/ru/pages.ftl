# stub
language-name = ru
