# stub
language-name = es
