# stub
language-name = pt-BR
