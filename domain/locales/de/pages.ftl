# stub
language-name = de
