import sys, math, random, numpy as np
sys.path.insert(0,__import__('os').path.join(__import__('os').path.dirname(__import__('os').path.abspath(__file__)),'..','config-search-regret'))
import mape as M
import lin as L
T=M.T
def preds(v, train, shots, qs):
    if v[0]=='m': return np.array([M.predict(train,shots,q,v[1]) for q in qs],dtype=float)
    if v[0]=='lin': return L.lin_predict(train,shots,qs,*v[1:])
    if v[0]=='mix':
        parts=[preds(x,train,shots,qs) for x in v[1]]
        return sum(a*p for a,p in zip(v[2],parts))
def run(folds, variants, seeds=5, ks=(1,2,3)):
    out={}
    cache={}
    for k in ks:
        for seed in range(seeds):
            for fi,(train,tests) in enumerate(folds):
                for w in tests:
                    keysw=list(T[w]); rr=random.Random(seed*7919+k*104729+hash(w)%1000)
                    sk=rr.sample(keysw,k); shots={q:T[w][q] for q in sk}
                    qs=[q for q in keysw if q not in shots and M.ratio_ref(train,shots,q) is not None]
                    truth=np.array([T[w][q] for q in qs])
                    for v in variants:
                        p=preds(v,train,shots,qs)
                        out.setdefault((v,k,seed),[]).append(np.mean(np.abs(np.exp(p-truth)-1)))
    res={}
    for v in variants:
        for k in ks:
            s=[np.mean(out[(v,k,seed)]) for seed in range(seeds)]
            res[(v,k)]=(np.mean(s),np.std(s))
    return res
if __name__=='__main__':
    mode=sys.argv[1]
    vs=[('m','ref'),('m','v0')]+[eval(x) for x in sys.argv[2:]]
    o=run(M.folds_of(mode),vs)
    for v in vs: print(mode,'%-60s'%str(v),' '.join('%.3f'%o[(v,k)][0] for k in (1,2,3)),'mean %.3f'%np.mean([o[(v,k)][0] for k in (1,2,3)]),flush=True)
